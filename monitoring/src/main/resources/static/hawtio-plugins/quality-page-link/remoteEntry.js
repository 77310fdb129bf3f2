/*
 * Exchange hub: a "Data quality" entry in Hawtio's navigation that opens the hub's data-quality page at
 * /quality/ (static/quality, same login; see QualityPageConfiguration). It comes after Camel, JMX and
 * Artemis, so logging in still lands on Camel's routes; the page links back to Hawtio.
 * Written by hand as a webpack module federation container, like artemis-console-link, so the build needs
 * no JavaScript tool chain; it takes React and @hawtio/react from the console's shared scope.
 */
var hubQualityPageLink = (function () {
  'use strict';

  // this file is at <context>/hawtio-plugins/quality-page-link/remoteEntry.js
  var pageUrl = new URL('../../quality/', document.currentScript
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

      function OpenQualityPage() {
        React.useEffect(function () { window.location.assign(pageUrl); }, []);
        return React.createElement('p', { style: { padding: '1.5rem' } },
          'Opening the data-quality page: ', React.createElement('a', { href: pageUrl }, pageUrl));
      }

      hawtio.hawtio.addPlugin({
        id: 'hub-quality-page',
        title: 'Data quality',
        path: '/hub-quality',
        order: 15, // after Camel (12), JMX (13) and Artemis (14): Hawtio lands on the first entry after login
        component: OpenQualityPage,
        isActive: function () { return true; }
      });
    });
  }

  return {
    init: function (shareScope) {
      shared = shareScope || {};
    },
    get: function (module) {
      if (module !== './plugin') {
        return Promise.reject(new Error('no module ' + module + ' in hubQualityPageLink'));
      }
      return Promise.resolve(function () { return { plugin: plugin }; });
    }
  };
})();
