/*
 * Exchange hub: the operator page's re-delivery of a time range to one platform (docs/operations.md,
 * "Recovery after a journal loss"). Shown to operators only (GET /api/operator/me names the roles); the
 * server refuses anybody else whatever the page shows. The POST carries the cockpit's CSRF token as Hawtio
 * sends it: the cookie XSRF-TOKEN back in the header X-XSRF-TOKEN. Answers are shown with textContent only.
 */
(function () {
  'use strict';

  var api = '../api/operator';
  var $ = function (id) { return document.getElementById(id); };

  /** The value of a cookie of this page, or an empty string. */
  function cookie(name) {
    var found = '';
    document.cookie.split(';').forEach(function (c) {
      var i = c.indexOf('=');
      if (i > 0 && c.substring(0, i).trim() === name) { found = decodeURIComponent(c.substring(i + 1).trim()); }
    });
    return found;
  }

  /** A datetime-local value, read as China time, in ISO-8601 with its offset (what the API takes). */
  function chinaTime(value) {
    return (value.length === 16 ? value + ':00' : value) + '+08:00';
  }

  function chinaNow() {
    return new Date(Date.now() + 8 * 3600 * 1000).toISOString().substring(0, 19);
  }

  /** An instant of the answer (ISO-8601, UTC) in China time, as the range was given. */
  function inChina(instant) {
    var t = new Date(instant);
    return isNaN(t.getTime()) ? String(instant)
      : new Date(t.getTime() + 8 * 3600 * 1000).toISOString().substring(0, 19).replace('T', ' ');
  }

  function say(text, failed) {
    var out = $('redeliver-result');
    out.textContent = text;
    out.className = failed ? 'failed' : 'done';
  }

  function redeliver(event) {
    event.preventDefault();
    var target = $('redeliver-target').value;
    var from = $('redeliver-from').value;
    var to = $('redeliver-to').value;
    if (!from || !to) { say('Give both ends of the range.', true); return; }
    var query = '?from=' + encodeURIComponent(chinaTime(from)) + '&to=' + encodeURIComponent(chinaTime(to));
    $('redeliver-submit').disabled = true;
    say('Re-delivering …', false);
    fetch(api + '/deliveries/' + encodeURIComponent(target) + '/redeliver' + query, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Accept': 'application/json', 'X-Requested-With': 'XMLHttpRequest', 'X-XSRF-TOKEN': cookie('XSRF-TOKEN') }
    }).then(function (r) {
      return r.text().then(function (text) {
        var body = null;
        try { body = JSON.parse(text); } catch (notJson) { body = null; }
        if (r.status === 401) { throw new Error('Not logged in (or the session ended): log in again at ../login'); }
        if (r.status === 403) {
          throw new Error('Refused (403): only operators may re-deliver; reload the page if the session is new.');
        }
        if (!r.ok) { throw new Error(body && body.error ? body.error : 'HTTP ' + r.status); }
        return body;
      });
    }).then(function (b) {
      say(b.due + (b.due === 1 ? ' delivery' : ' deliveries') + ' to ' + b.target + ' due again (delivered '
        + inChina(b.from) + ' .. ' + inChina(b.to) + ', China time); ' + b.purged + ' left out, bodies purged '
        + '(older than the replay window). delivery-sweep sends them with their original duplicate ids.', false);
    }).catch(function (e) {
      say(e.message, true);
    }).then(function () {
      $('redeliver-submit').disabled = false;
    });
  }

  $('redeliver-to').value = chinaNow();
  $('redeliver-form').addEventListener('submit', redeliver);
  fetch(api + '/me', { headers: { 'Accept': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
    credentials: 'same-origin' }).then(function (r) {
    return r.ok ? r.json() : null;
  }).then(function (me) {
    var roles = me && Array.isArray(me.roles) ? me.roles : [];
    $('redeliver').dataset.roles = roles.join(',');
    $('redeliver').hidden = roles.indexOf('operator') < 0;
  }).catch(function () {
    $('redeliver').hidden = true;
  });
}());
