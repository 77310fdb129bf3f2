/*
 * Exchange hub: the data-quality page. Reads /api/operator/quality (viewer) with the session of the
 * cockpit's login and builds every element with textContent, never innerHTML: enterprise and data
 * codes come from outside. No libraries: the hub runs offline.
 */
(function () {
  'use strict';

  var api = '../api/operator/quality';
  var PAGE = 100; // enterprises, or one enterprise's series, per page (the API answers at most its max-page-size)
  var listOffset = 0;
  var seriesOffset = 0;
  var $ = function (id) { return document.getElementById(id); };
  var params = new URLSearchParams(window.location.search);

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }

  function row(cells, cls) {
    var tr = el('tr', null, cls);
    cells.forEach(function (c) { tr.appendChild(el('td', c)); });
    return tr;
  }

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
  }

  function get(path) {
    return getPage(path).then(function (page) { return page.body; });
  }

  /** The body and X-Total-Count (items in all, when the answer is a page). */
  function getPage(path) {
    return fetch(api + path, { headers: { 'Accept': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
      credentials: 'same-origin' }).then(function (r) {
      if (r.status === 401) { throw new Error('Not logged in (or the session ended): log in again at ../login'); }
      return r.json().then(function (body) {
        if (!r.ok) { throw new Error(body && body.error ? body.error : 'HTTP ' + r.status); }
        return { body: body, total: Number(r.headers.get('X-Total-Count')) };
      });
    });
  }

  /** Shows "from–to of total" and enables the previous/next buttons of a paged table. */
  function pager(prefix, offset, shown, total) {
    $(prefix + '-range').textContent = total === 0 ? '' : (offset + 1) + '–' + (offset + shown) + ' of ' + total;
    $(prefix + '-prev').disabled = offset === 0;
    $(prefix + '-next').disabled = offset + shown >= total;
    $(prefix + '-pages').hidden = total <= shown && offset === 0;
  }

  function fail(e) { $('message').textContent = e.message; }

  function monthQuery() { return '?month=' + encodeURIComponent($('month').value); }

  function number(v) { return v === null || v === undefined ? '–' : String(v); }

  function loadProvince() {
    return get('/province' + monthQuery()).then(function (p) {
      $('province').textContent = 'Province, ' + p.month + ': ' + p.completeness + ' % of due periods received ('
        + p.received + ' of ' + p.expected + ') from ' + p.enterprises + (p.enterprises === 1 ? ' enterprise; '
        : ' enterprises; ') + p.enterprisesBelow
        + ' below threshold; flagged deviations: ' + p.dayMonthFlagged + ' day-vs-month, ' + p.supplyFlagged
        + ' supplier.';
    });
  }

  function loadList() {
    var below = $('below').checked;
    $('list-title').textContent = below ? 'Enterprises below threshold' : 'All enterprises';
    var query = monthQuery() + '&below=' + below;
    $('list-csv').href = api + '/enterprises' + query + '&format=csv';
    return getPage('/enterprises' + query + '&limit=' + PAGE + '&offset=' + listOffset).then(function (page) {
      var list = page.body;
      pager('list', listOffset, list.length, page.total);
      var body = $('enterprises').tBodies[0];
      clear(body);
      if (list.length === 0) {
        var none = el('td', below ? 'No enterprise below threshold.' : 'No enterprise reported.');
        none.colSpan = 6;
        body.appendChild(el('tr')).appendChild(none);
      }
      list.forEach(function (e) {
        var tr = row([e.enterpriseCode, e.completeness, e.received + ' / ' + e.expected, e.series, e.late,
          e.suspect], 'pick');
        tr.dataset.code = e.enterpriseCode;
        tr.addEventListener('click', function () {
          $('code').value = e.enterpriseCode;
          seriesOffset = 0;
          show();
        });
        body.appendChild(tr);
      });
      markSelected();
    });
  }

  function markSelected() {
    Array.prototype.forEach.call($('enterprises').tBodies[0].rows, function (tr) {
      tr.classList.toggle('selected', tr.dataset.code === $('code').value.trim());
    });
  }

  function loadEnterprise(code) {
    if (!code) { $('enterprise').hidden = true; return Promise.resolve(); }
    var path = '/enterprises/' + encodeURIComponent(code) + monthQuery();
    return get(path + '&limit=' + PAGE + '&offset=' + seriesOffset).then(function (q) {
      $('enterprise').hidden = false;
      $('enterprise-code').textContent = code;
      var s = q.summary;
      $('enterprise-summary').textContent = s.completeness + ' % complete (' + s.received + ' of ' + s.expected
        + ' due periods received) over ' + s.series + ' series; late ' + s.late + ', received again '
        + s.superseded + ', marked invalid ' + s.suspect + (s.belowThreshold ? '; below threshold' : '');
      var b = q.sender;
      $('enterprise-sender').textContent = !b ? '补传 requests: no ferry sender has delivered its records.'
        : '补传 requests go to ' + b.sender + ' (' + b.boundBy + ', ' + b.boundAt + ')' + (b.otherSender
          ? '; also delivered by ' + b.otherSender + ' (' + b.otherDeliveries + ' times, last ' + b.otherSeenAt
            + '), not asked' : '') + '.';
      calendar(q.calendar);
      pager('series', seriesOffset, q.series.length, q.seriesTotal);
      holes(q.series);
      deviations(q.dayMonth, q.supply);
      $('holes-csv').href = api + path + '&format=csv';
      markSelected();
    });
  }

  function calendar(days) {
    var grid = $('calendar');
    clear(grid);
    ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].forEach(function (d) { grid.appendChild(el('div', d, 'head')); });
    if (days.length === 0) { return; }
    var first = new Date(days[0].day + 'T00:00:00Z').getUTCDay(); // 0 Sunday
    for (var i = 0; i < (first + 6) % 7; i++) { grid.appendChild(el('div')); }
    days.forEach(function (d) {
      var kind = d.expected === 0 ? 'idle' : d.received >= d.expected ? 'full' : d.received === 0 ? 'none' : 'part';
      var cell = el('div', null, 'cell ' + kind);
      cell.dataset.day = d.day;
      cell.title = d.day + ': ' + d.received + ' of ' + d.expected + ' due periods received';
      cell.appendChild(el('span', Number(d.day.substring(8)), 'day'));
      cell.appendChild(el('span', d.received + '/' + d.expected, 'figures'));
      grid.appendChild(cell);
    });
  }

  function holes(series) {
    var body = $('holes').tBodies[0];
    clear(body);
    series.filter(function (s) { return s.missingCount > 0; }).forEach(function (s) {
      var shown = s.missing.slice(0, 6).join(', ');
      if (s.missingCount > 6) { shown += ' … and ' + (s.missingCount - 6) + ' more (CSV)'; }
      body.appendChild(row([s.dataCode, s.statType, s.received + ' / ' + s.expected, shown]));
    });
    if (body.rows.length === 0) {
      var none = el('td', 'No holes.');
      none.colSpan = 4;
      body.appendChild(el('tr')).appendChild(none);
    }
  }

  function deviations(dayMonth, supply) {
    var body = $('deviations').tBodies[0];
    clear(body);
    dayMonth.filter(function (c) { return c.flagged; }).forEach(function (c) {
      body.appendChild(row(['Σ days vs month', c.dataCode, c.month, 'Σ ' + number(c.daySum) + ' (' + c.days
        + ' days)', number(c.monthValue), number(c.deviationPercent)], 'flagged'));
    });
    supply.filter(function (c) { return c.flagged; }).forEach(function (c) {
      body.appendChild(row(['supplier vs enterprise', c.energyType + ' (statType ' + c.statType + ')', c.statDate,
        number(c.supplierValue), number(c.ownValue), number(c.deviationPercent)], 'flagged'));
    });
    if (body.rows.length === 0) {
      var none = el('td', 'No deviation above threshold.');
      none.colSpan = 6;
      body.appendChild(el('tr')).appendChild(none);
    }
  }

  function show(event) {
    if (event) { event.preventDefault(); }
    $('message').textContent = '';
    var code = $('code').value.trim();
    var query = new URLSearchParams({ month: $('month').value });
    if (code) { query.set('enterprise', code); }
    window.history.replaceState(null, '', '?' + query.toString());
    return Promise.all([loadProvince(), loadList(), loadEnterprise(code)]).catch(fail);
  }

  var now = new Date(Date.now() + 8 * 3600 * 1000); // the month in China time
  $('month').value = params.get('month') || now.toISOString().substring(0, 7);
  $('below').checked = params.get('below') !== 'false';
  $('code').value = params.get('enterprise') || '';
  function restart(event) {
    listOffset = 0;
    seriesOffset = 0;
    return show(event);
  }

  function page(button, move) {
    $(button).addEventListener('click', function () { move(); $('message').textContent = ''; });
  }
  page('list-prev', function () { listOffset = Math.max(0, listOffset - PAGE); loadList().catch(fail); });
  page('list-next', function () { listOffset += PAGE; loadList().catch(fail); });
  page('series-prev', function () {
    seriesOffset = Math.max(0, seriesOffset - PAGE);
    loadEnterprise($('code').value.trim()).catch(fail);
  });
  page('series-next', function () { seriesOffset += PAGE; loadEnterprise($('code').value.trim()).catch(fail); });
  $('controls').addEventListener('submit', restart);
  $('below').addEventListener('change', restart);
  show();
}());
