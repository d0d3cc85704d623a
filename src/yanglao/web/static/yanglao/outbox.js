/* yanglao: the shared offline outbox of the phone and tablet forms (visits, home services, supervision).
 *
 * - A form is kept as a draft in localStorage while it is filled in (the page decides the key).
 * - Submitting puts the record in an outbox (localStorage) and tries to send it. Without a connection
 *   it stays there; it is sent when the browser comes back online (the "online" event), when a page of
 *   the same kind is opened, and every 30 seconds while something is waiting.
 * - Each record carries a client id (UUID), so a record sent twice is stored once.
 * - A record is sent as multipart form data with the CSRF token; a JSON answer {ok: true} means stored,
 *   another JSON answer below 500 means rejected (kept, flagged with its errors), anything else is retried.
 * The data stays on this device only until it is sent; nothing else is stored.
 *
 * Usage: var box = window.YanglaoOutbox.create({key, noun, bannerId, bannerClass, loginText,
 *   rejected(failed, waiting) -> text after "N 条被退回", attach(body, entry), onSent(count)});
 *   box.start(function () { ... set up the page's form ... });
 * box.flush() resolves to the list of ids sent by that call.
 */
(function () {
  "use strict";

  function load(key, fallback) {
    try { var v = window.localStorage.getItem(key); return v ? JSON.parse(v) : fallback; }
    catch (e) { return fallback; }
  }

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0; return (c === "x" ? r : (r & 0x3 | 0x8)).toString(16);
    });
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function toBlob(dataUrl) {
    var parts = dataUrl.split(",");
    var type = (parts[0].match(/:(.*?);/) || [])[1] || "application/octet-stream";
    var bytes = atob(parts[1]);
    var array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) { array[i] = bytes.charCodeAt(i); }
    return new Blob([array], { type: type });
  }

  function fieldsOf(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") { fields.push([name, value]); }
    });
    return fields;
  }

  function create(options) {
    var OUTBOX = options.key;
    var noun = options.noun;
    var sending = false;

    function save(key, value) {
      if (key === OUTBOX && value.length === 0) { window.localStorage.removeItem(key); return true; }
      try { window.localStorage.setItem(key, JSON.stringify(value)); return true; }
      catch (e) { return false; }
    }
    function outbox() { return load(OUTBOX, []); }

    function banner(text, kind) {
      var box = document.getElementById(options.bannerId);
      if (!box) { return; }
      box.hidden = !text;
      box.textContent = text || "";
      box.className = options.bannerClass + (kind ? " " + kind : "");
    }

    function showPending() {
      var waiting = outbox();
      if (!waiting.length) { banner(""); return; }
      var failed = waiting.filter(function (e) { return e.error; });
      banner("有 " + waiting.length + " 条" + noun + "保存在本机，待发送" +
        (failed.length ? "（" + failed.length + " 条被退回" + options.rejected(failed, waiting) + "）" : "") +
        (navigator.onLine ? "" : "：当前无网络，联网后自动发送"), "waiting");
    }

    function send(entry) {
      var body = new FormData();
      entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
      if (options.attach) { options.attach(body, entry); }
      return fetch(entry.url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
      }).then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") >= 0;
        if (!json) { return { retry: true, login: true }; }           // logged out, or a CSRF failure page
        return response.json().then(function (data) {
          if (response.ok && data.ok) { return { sent: true, data: data }; }
          if (response.status >= 500) { return { retry: true }; }
          return { rejected: true, data: data };                        // invalid: kept, flagged
        });
      }, function () { return { retry: true }; });                      // no connection
    }

    function flush() {
      if (sending || !navigator.onLine) { showPending(); return Promise.resolve([]); }
      var waiting = outbox().filter(function (e) { return !e.error; });
      if (!waiting.length) { showPending(); return Promise.resolve([]); }
      sending = true;
      var sent = [];
      var chain = Promise.resolve(true);
      waiting.forEach(function (entry) {
        chain = chain.then(function (go) {
          if (!go) { return false; }
          return send(entry).then(function (result) {
            var rest = outbox();
            if (result.sent) {
              sent.push(entry.id);
              save(OUTBOX, rest.filter(function (e) { return e.id !== entry.id; }));
              return true;
            }
            if (result.rejected) {
              rest.forEach(function (e) { if (e.id === entry.id) { e.error = (result.data && result.data.errors) || true; } });
              save(OUTBOX, rest);
              return true;
            }
            if (result.login) { banner(options.loginText, "waiting"); }
            return false;
          });
        });
      });
      return chain.then(function () {
        sending = false;
        if (sent.length) {
          var left = outbox().length;
          banner("已发送 " + sent.length + " 条" + noun + (left ? "，还有 " + left + " 条待发送" : ""), left ? "waiting" : "sent");
          if (options.onSent) { options.onSent(sent.length); }
        } else {
          showPending();
        }
        return sent;
      });
    }

    /* Puts an entry in the outbox in place of one with the same id; false when it does not fit. */
    function put(entry) {
      var box = outbox().filter(function (e) { return e.id !== entry.id; });
      box.push(entry);
      return save(OUTBOX, box);
    }
    function remove(id) { save(OUTBOX, outbox().filter(function (e) { return e.id !== id; })); }
    function has(id) { return outbox().some(function (e) { return e.id === id; }); }

    function start(setup) {
      document.addEventListener("DOMContentLoaded", function () {
        if (setup) { setup(); }
        showPending();
        flush();
        window.addEventListener("online", flush);
        window.addEventListener("offline", showPending);
        window.setInterval(function () { if (outbox().length) { flush(); } }, 30000);
      });
    }

    return {
      load: load, save: save, outbox: outbox, put: put, remove: remove, has: has,
      banner: banner, showPending: showPending, flush: flush, start: start,
      uuid: uuid, csrfToken: csrfToken, toBlob: toBlob, fieldsOf: fieldsOf
    };
  }

  window.YanglaoOutbox = { create: create, load: load, uuid: uuid, csrfToken: csrfToken, toBlob: toBlob, fieldsOf: fieldsOf };
})();
