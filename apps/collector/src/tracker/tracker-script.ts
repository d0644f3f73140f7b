/**
 * The browser tracker served at /shoplens.js: plain ES2017, no dependencies, about 4 KB.
 * Calls are queued in localStorage with their messageId fixed when they are made, sent in
 * batches to /v1/batch of the collector it was loaded from (as text/plain, so no CORS
 * preflight), retried with the same ids until the collector answers 2xx or 4xx, and handed
 * to sendBeacon when the page is hidden. Session: 30 minutes of inactivity per browser,
 * sent as context.sessionId.
 */
export const TRACKER_SCRIPT = `/* shoplens.js: send a shop's events to a shoplens collector. See docs/collector.md. */
(function (w, d) {
  'use strict';
  var script = d.currentScript;
  var src = script && script.src ? script.src : '';
  var endpoint = (script && script.getAttribute('data-endpoint')) || src.replace(/\\/shoplens\\.js(?:[?#].*)?$/, '') + '/v1/batch';
  var writeKey = (script && script.getAttribute('data-write-key')) || '';
  var SESSION_GAP_MS = 30 * 60 * 1000, MAX_BATCH = 100, MAX_QUEUE = 1000, FLUSH_MS = 1000;
  var memory = {};
  function load(key) {
    try { var v = w.localStorage.getItem('shoplens.' + key); return v === null ? undefined : JSON.parse(v); }
    catch (e) { return memory[key]; }
  }
  function save(key, value) {
    memory[key] = value;
    try {
      if (value === undefined) w.localStorage.removeItem('shoplens.' + key);
      else w.localStorage.setItem('shoplens.' + key, JSON.stringify(value));
    } catch (e) { /* no localStorage (private mode): memory only */ }
  }
  function uuid() {
    if (w.crypto && w.crypto.randomUUID) return w.crypto.randomUUID();
    var b = new Uint8Array(16);
    w.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = [];
    for (var i = 0; i < 16; i++) h.push((b[i] + 256).toString(16).slice(1));
    return h.slice(0, 4).join('') + '-' + h.slice(4, 6).join('') + '-' + h.slice(6, 8).join('') + '-' + h.slice(8, 10).join('') + '-' + h.slice(10).join('');
  }
  var anonymousId = load('anonymousId');
  if (!anonymousId) { anonymousId = uuid(); save('anonymousId', anonymousId); }
  var userId = load('userId');
  var queue = load('queue') || [];
  var sending = false, timer = null, backoff = 0;

  function session(now) {
    var s = load('session');
    if (!s || now - s.last > SESSION_GAP_MS) s = { id: uuid(), last: now };
    s.last = now;
    save('session', s);
    return s.id;
  }
  function enqueue(call) {
    var now = Date.now();
    call.messageId = uuid();
    call.anonymousId = anonymousId;
    if (userId) call.userId = userId;
    call.timestamp = new Date(now).toISOString();
    call.context = {
      sessionId: session(now),
      page: { url: w.location.href, path: w.location.pathname, referrer: d.referrer, title: d.title },
      userAgent: w.navigator.userAgent,
      locale: w.navigator.language,
      library: { name: 'shoplens.js', version: '1' }
    };
    queue.push(call);
    if (queue.length > MAX_QUEUE) queue.splice(0, queue.length - MAX_QUEUE);
    save('queue', queue);
    schedule(queue.length >= MAX_BATCH ? 0 : FLUSH_MS);
  }
  function schedule(ms) {
    if (timer !== null) return;
    timer = setTimeout(function () { timer = null; flush(); }, ms);
  }
  function body(batch) {
    return JSON.stringify({ batch: batch, sentAt: new Date().toISOString(), writeKey: writeKey });
  }
  function settle(batch) {
    var sent = {};
    for (var i = 0; i < batch.length; i++) sent[batch[i].messageId] = true;
    queue = queue.filter(function (c) { return !sent[c.messageId]; });
    save('queue', queue);
  }
  function flush() {
    if (sending || queue.length === 0) return Promise.resolve();
    sending = true;
    var batch = queue.slice(0, MAX_BATCH);
    return w.fetch(endpoint, {
      method: 'POST', body: body(batch), headers: { 'Content-Type': 'text/plain' }, keepalive: true, credentials: 'omit'
    }).then(function (res) {
      sending = false;
      if (res.ok || (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)) {
        if (!res.ok && w.console) w.console.warn('shoplens: the collector refused a batch (' + res.status + ')');
        backoff = 0;
        settle(batch);
        if (queue.length > 0) schedule(0);
      } else { retry(); }
    }, function () { sending = false; retry(); });
  }
  function retry() {
    backoff = Math.min(backoff ? backoff * 2 : 1000, 60000);
    schedule(backoff);
  }
  function beacon() {
    if (queue.length === 0 || !w.navigator.sendBeacon) return;
    var batch = queue.slice(0, MAX_BATCH);
    if (w.navigator.sendBeacon(endpoint, new Blob([body(batch)], { type: 'text/plain' }))) settle(batch);
  }
  w.addEventListener('pagehide', beacon);
  d.addEventListener('visibilitychange', function () { if (d.visibilityState === 'hidden') beacon(); });

  var api = {
    page: function (properties) {
      enqueue({ type: 'page', properties: properties || {} });
    },
    track: function (event, properties) {
      enqueue({ type: 'track', event: event, properties: properties || {} });
    },
    identify: function (id) {
      userId = id ? String(id) : undefined;
      save('userId', userId);
    },
    reset: function () {
      userId = undefined; save('userId', undefined);
      anonymousId = uuid(); save('anonymousId', anonymousId); save('session', undefined);
    },
    flush: flush,
    anonymousId: function () { return anonymousId; }
  };
  var early = w.shoplens;
  w.shoplens = api;
  if (Array.isArray(early)) early.forEach(function (c) { api[c[0]].apply(api, c.slice(1)); });
  if (queue.length > 0) schedule(0);
})(window, document);
`;
