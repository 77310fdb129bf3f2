/*
 * Exchange hub: links Hawtio and Artemis's own console, both served by the hub behind one login.
 * It adds an "Artemis" entry to Hawtio's navigation that opens Artemis's console at /artemis-console/
 * (see ArtemisConsoleConfiguration); Hawtio 4+ has no Artemis plugin of its own. The entry comes after
 * Camel and JMX, so that logging in lands on Camel's routes (Hawtio opens its first entry); the way
 * back is a link the hub adds to the Artemis console's page (ArtemisConsoleFilter).
 * Written by hand as a webpack module federation container, so the build needs no JavaScript tool
 * chain; it takes React and @hawtio/react from the console's shared scope (shared as singletons).
 */
var hubArtemisConsoleLink = (function () {
  'use strict';

  // this file is at <context>/hawtio-plugins/artemis-console-link/remoteEntry.js
  var consoleUrl = new URL('../../artemis-console/artemis', document.currentScript
      ? document.currentScript.src : document.baseURI).href;
  var shared = {};

  function load(name) {
    var versions = shared[name] || {};
    var keys = Object.keys(versions);
    if (keys.length === 0) {
      return Promise.reject(new Error(name + ' is not shared by this Hawtio console'));
    }
    var loaded = keys.filter(function (key) { return versions[key].loaded; });
    return Promise.resolve(versions[(loaded.length ? loaded : keys)[0]].get())
      .then(function (factory) { return factory(); });
  }

  function plugin() {
    return Promise.all([load('@hawtio/react'), load('react')]).then(function (modules) {
      var hawtio = modules[0];
      var React = modules[1];

      function OpenArtemisConsole() {
        React.useEffect(function () { window.location.assign(consoleUrl); }, []);
        return React.createElement('p', { style: { padding: '1.5rem' } },
          'Opening the Artemis console: ', React.createElement('a', { href: consoleUrl }, consoleUrl));
      }

      hawtio.hawtio.addPlugin({
        id: 'hub-artemis-console',
        title: 'Artemis',
        path: '/artemis-console',
        order: 14, // after Camel (12) and JMX (13): Hawtio lands on the first entry after login
        component: OpenArtemisConsole,
        // only where this JVM has the broker: an external broker has its own console
        isActive: function () {
          return hawtio.workspace.treeContainsDomainAndProperties('org.apache.activemq.artemis');
        }
      });
    });
  }

  return {
    init: function (shareScope) {
      shared = shareScope || {};
    },
    get: function (module) {
      if (module !== './plugin') {
        return Promise.reject(new Error('no module ' + module + ' in hubArtemisConsoleLink'));
      }
      return Promise.resolve(function () { return { plugin: plugin }; });
    }
  };
})();
