/*
 * Exchange hub: an "Artemis" entry in Hawtio's navigation that opens Artemis's own console, which the
 * hub serves at /artemis-console/ (see ArtemisConsoleConfiguration). Hawtio 4+ has no Artemis plugin of
 * its own; this is the smallest plugin that links the two consoles, written as a webpack module
 * federation container by hand so the build needs no JavaScript tool chain. It takes React and
 * @hawtio/react from the console's shared scope (the console shares both as singletons).
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
        order: 10,
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
