/* yanglao visits: a visit record survives a reload and a lost connection, and is sent later.
 *
 * - While the visit form is filled in, it is kept as a draft in localStorage (one per person).
 * - Submitting puts the record in an outbox (localStorage) and tries to send it. Without a connection
 *   it stays there; it is sent when the browser comes back online (the "online" event), when any
 *   visits page is opened, and every 30 seconds while something is waiting.
 * - Each record carries a client id (UUID), so a record sent twice is stored once.
 * - A photo is kept as a data URL when it is small enough for localStorage (about 1.5 MB).
 * The data stays on this device only until it is sent; nothing else is stored.
 */
(function () {
  "use strict";
  var OUTBOX = "yanglao.visits.outbox";
  var PHOTO_LIMIT = 1500000;
  var sending = false;

  function load(key, fallback) {
    try { var v = window.localStorage.getItem(key); return v ? JSON.parse(v) : fallback; }
    catch (e) { return fallback; }
  }
  function save(key, value) {
    if (key === OUTBOX && value.length === 0) { window.localStorage.removeItem(key); return true; }
    try { window.localStorage.setItem(key, JSON.stringify(value)); return true; }
    catch (e) { return false; }
  }
  function outbox() { return load(OUTBOX, []); }

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

  function banner(text, kind) {
    var box = document.getElementById("outbox-status");
    if (!box) { return; }
    box.hidden = !text;
    box.textContent = text || "";
    box.className = "v-outbox" + (kind ? " " + kind : "");
  }

  function showPending() {
    var waiting = outbox();
    if (!waiting.length) { banner(""); return; }
    var failed = waiting.filter(function (e) { return e.error; }).length;
    banner("有 " + waiting.length + " 条探访记录保存在本机，待发送" +
      (failed ? "（" + failed + " 条被退回，请打开该老年人页面重新填写）" : "") +
      (navigator.onLine ? "" : "：当前无网络，联网后自动发送"), "waiting");
  }

  function dataUrlToBlob(dataUrl) {
    var parts = dataUrl.split(",");
    var type = (parts[0].match(/:(.*?);/) || [])[1] || "application/octet-stream";
    var bytes = atob(parts[1]);
    var array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) { array[i] = bytes.charCodeAt(i); }
    return new Blob([array], { type: type });
  }

  function send(entry) {
    var body = new FormData();
    entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    if (entry.photo) { body.append("photo", dataUrlToBlob(entry.photo.dataUrl), entry.photo.name); }
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
    if (sending || !navigator.onLine) { showPending(); return Promise.resolve(0); }
    var waiting = outbox().filter(function (e) { return !e.error; });
    if (!waiting.length) { showPending(); return Promise.resolve(0); }
    sending = true;
    var sent = 0;
    var chain = Promise.resolve(true);
    waiting.forEach(function (entry) {
      chain = chain.then(function (go) {
        if (!go) { return false; }
        return send(entry).then(function (result) {
          var rest = outbox();
          if (result.sent) {
            sent += 1;
            save(OUTBOX, rest.filter(function (e) { return e.id !== entry.id; }));
            return true;
          }
          if (result.rejected) {
            rest.forEach(function (e) { if (e.id === entry.id) { e.error = result.data.errors || true; } });
            save(OUTBOX, rest);
            return true;
          }
          if (result.login) { banner("登录已过期：请重新登录，探访记录仍保存在本机，登录后自动发送", "waiting"); }
          return false;
        });
      });
    });
    return chain.then(function () {
      sending = false;
      if (sent) {
        var left = outbox().length;
        banner("已发送 " + sent + " 条探访记录" + (left ? "，还有 " + left + " 条待发送" : ""), left ? "waiting" : "sent");
        document.dispatchEvent(new CustomEvent("visits:sent", { detail: { sent: sent } }));
      } else {
        showPending();
      }
      return sent;
    });
  }

  function fieldsOf(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") { fields.push([name, value]); }
    });
    return fields;
  }

  function restore(form, fields) {
    var names = {};
    fields.forEach(function (pair) { names[pair[0]] = true; });
    Object.keys(names).forEach(function (name) {
      form.querySelectorAll('[name="' + name + '"]').forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") { el.checked = false; }
      });
    });
    fields.forEach(function (pair) {
      form.querySelectorAll('[name="' + pair[0] + '"]').forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") { if (el.value === pair[1]) { el.checked = true; } }
        else if (el.type !== "file") { el.value = pair[1]; }
      });
    });
  }

  function setupForm(form) {
    var key = form.dataset.draftKey;
    var status = document.getElementById("draft-status");
    var idField = form.querySelector("input[name=client_id]");
    var photoInput = form.querySelector("input[type=file][name=photo]");
    var draft = load(key, null);
    var say = function (text) { if (status) { status.textContent = text; } };
    if (draft && draft.fields) {
      restore(form, draft.fields);
      say("已恢复未提交的草稿（" + new Date(draft.savedAt).toLocaleString("zh-CN") + "）");
    }
    if (idField && !idField.value) { idField.value = uuid(); }
    var photo = draft && draft.photo ? draft.photo : null;

    function keep() {
      draft = { fields: fieldsOf(form), photo: photo, savedAt: Date.now() };
      if (!save(key, draft)) { draft.photo = null; save(key, draft); say("照片太大，未能保存在本机草稿中"); }
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    if (photoInput) {
      photoInput.addEventListener("change", function () {
        var file = photoInput.files && photoInput.files[0];
        photo = null;
        if (!file) { keep(); return; }
        if (file.size > PHOTO_LIMIT) { say("照片较大：无网络时不能保存在本机，请联网时提交"); keep(); return; }
        var reader = new FileReader();
        reader.onload = function () { photo = { name: file.name, type: file.type, dataUrl: reader.result }; keep(); };
        reader.readAsDataURL(file);
      });
    }

    form.addEventListener("submit", function (event) {
      if (!window.fetch || !form.reportValidity()) { return; }
      event.preventDefault();
      var entry = {
        id: idField ? idField.value : uuid(),
        url: form.action,
        person: form.dataset.person || "",
        fields: fieldsOf(form),
        photo: photo,
        savedAt: Date.now()
      };
      if (!photo && photoInput && photoInput.files && photoInput.files[0] && navigator.onLine) {
        // too large to keep offline: send it directly with the file
        entry.direct = photoInput.files[0];
      }
      var box = outbox().filter(function (e) { return e.id !== entry.id; });
      var stored = entry.direct ? { id: entry.id, url: entry.url, person: entry.person, fields: entry.fields, photo: null, savedAt: entry.savedAt } : entry;
      box.push(stored);
      save(OUTBOX, box);
      window.localStorage.removeItem(key);
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      var attempt = entry.direct ? sendDirect(form, entry) : flush();
      attempt.then(function () {
        if (button) { button.disabled = false; }
        var still = outbox().some(function (e) { return e.id === entry.id; });
        if (!still) {
          say("探访记录已发送");
          window.location.href = form.dataset.personUrl + "?saved=1";
          return;
        }
        form.reset();
        photo = null;
        if (idField) { idField.value = uuid(); }
        say(navigator.onLine ? "暂时无法发送：探访记录已保存在本机，将自动重试"
                             : "当前无网络：探访记录已保存在本机，联网后自动发送");
        showPending();
      });
    });
  }

  function sendDirect(form, entry) {
    var body = new FormData(form);
    return fetch(entry.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      if (response.ok) { save(OUTBOX, outbox().filter(function (e) { return e.id !== entry.id; })); }
      return 0;
    }, function () { return 0; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("visit-form");
    if (form) { setupForm(form); }
    showPending();
    flush();
    window.addEventListener("online", flush);
    window.addEventListener("offline", showPending);
    window.setInterval(function () { if (outbox().length) { flush(); } }, 30000);
  });

  window.yanglaoVisits = { flush: flush, outbox: outbox };
})();
