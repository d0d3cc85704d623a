/* yanglao supervision: the inspection record on a tablet survives a reload and a lost connection.
 *
 * - While the checklist is filled in, it is kept as a draft in localStorage (one per facility).
 * - Submitting puts the record in an outbox (localStorage) and tries to send it; without a connection it
 *   stays there and is sent when the browser comes back online, when a supervision page is opened, and
 *   every 30 seconds while something waits.
 * - Each record carries a client id (UUID): a record sent twice is stored once.
 * - Photos and PDFs are kept as data URLs while they fit (about 1.5 MB in all); larger ones need a
 *   connection. The live score is 100 minus the deductions of the ticked items.
 */
(function () {
  "use strict";
  var OUTBOX = "yanglao.supervision.outbox";
  var FILES_LIMIT = 1500000;
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
    box.className = "s-outbox" + (kind ? " " + kind : "");
  }
  function showPending() {
    var waiting = outbox();
    if (!waiting.length) { banner(""); return; }
    var failed = waiting.filter(function (e) { return e.error; });
    banner("有 " + waiting.length + " 条检查记录保存在本机，待发送" +
      (failed.length ? "（" + failed.length + " 条被退回：" + JSON.stringify(failed[0].error) + "）" : "") +
      (navigator.onLine ? "" : "：当前无网络，联网后自动发送"), "waiting");
  }
  function toBlob(dataUrl) {
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
    (entry.files || []).forEach(function (f) { body.append("evidence", toBlob(f.dataUrl), f.name); });
    return fetch(entry.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") >= 0;
      if (!json) { return { retry: true, login: true }; }
      return response.json().then(function (data) {
        if (response.ok && data.ok) { return { sent: true, data: data }; }
        if (response.status >= 500) { return { retry: true }; }
        return { rejected: true, data: data };
      });
    }, function () { return { retry: true }; });
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
          if (result.login) { banner("登录已过期：请重新登录，检查记录仍保存在本机", "waiting"); }
          return false;
        });
      });
    });
    return chain.then(function () {
      sending = false;
      if (sent.length) {
        var left = outbox().length;
        banner("已发送 " + sent.length + " 条检查记录" + (left ? "，还有 " + left + " 条待发送" : ""), left ? "waiting" : "sent");
      } else { showPending(); }
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
    form.querySelectorAll("input[type=checkbox]").forEach(function (el) { el.checked = false; });
    fields.forEach(function (pair) {
      form.querySelectorAll('[name="' + pair[0] + '"]').forEach(function (el) {
        if (el.type === "checkbox") { if (el.value === pair[1]) { el.checked = true; } }
        else if (el.type !== "file") { el.value = pair[1]; }
      });
    });
  }
  function score(form) {
    var total = 0, suspend = false;
    form.querySelectorAll("input[name=fail]:checked").forEach(function (el) {
      total += parseInt(el.dataset.deduction || "0", 10);
      if (el.dataset.suspend) { suspend = true; }
    });
    var out = document.getElementById("live-score");
    if (out) { out.textContent = String(Math.max(100 - total, 0)); }
    var flag = document.getElementById("live-suspend");
    if (flag) { flag.hidden = !suspend; }
  }
  function setup(form) {
    var key = form.dataset.draftKey;
    var status = document.getElementById("draft-status");
    var idField = form.querySelector("input[name=client_id]");
    var fileInput = form.querySelector("input[type=file][name=evidence]");
    var say = function (text) { if (status) { status.textContent = text; } };
    var draft = load(key, null);
    var files = draft && draft.files ? draft.files : [];
    if (draft && draft.fields) {
      restore(form, draft.fields);
      say("已恢复未提交的草稿（" + new Date(draft.savedAt).toLocaleString("zh-CN") + "）");
    }
    if (idField && !idField.value) { idField.value = uuid(); }
    score(form);
    function keep() {
      score(form);
      var d = { fields: fieldsOf(form), files: files, savedAt: Date.now() };
      if (!save(key, d)) { d.files = []; save(key, d); say("材料太大，未能保存在本机草稿中"); }
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    if (fileInput) {
      fileInput.addEventListener("change", function () {
        files = [];
        var list = Array.prototype.slice.call(fileInput.files || []);
        var size = list.reduce(function (n, f) { return n + f.size; }, 0);
        if (!list.length) { keep(); return; }
        if (size > FILES_LIMIT) { say("材料较大：无网络时不能保存在本机，请联网时提交"); keep(); return; }
        var left = list.length;
        list.forEach(function (file) {
          var reader = new FileReader();
          reader.onload = function () {
            files.push({ name: file.name, type: file.type, dataUrl: reader.result });
            left -= 1; if (!left) { keep(); }
          };
          reader.readAsDataURL(file);
        });
      });
    }
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !form.reportValidity()) { return; }
      var large = fileInput && fileInput.files && fileInput.files.length && !files.length;
      if (large) { return; }  // too large to keep offline: an ordinary submission with the files
      event.preventDefault();
      var entry = { id: idField ? idField.value : uuid(), url: form.action, facility: form.dataset.facility || "",
                    fields: fieldsOf(form), files: files, savedAt: Date.now() };
      var box = outbox().filter(function (e) { return e.id !== entry.id; });
      box.push(entry);
      if (!save(OUTBOX, box)) { entry.files = []; box[box.length - 1] = entry; save(OUTBOX, box); }
      window.localStorage.removeItem(key);
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      flush().then(function (sent) {
        if (button) { button.disabled = false; }
        if (sent.indexOf(entry.id) >= 0) {
          say("检查记录已发送");
          window.location.href = form.dataset.doneUrl + "?saved=1";
          return;
        }
        form.reset();
        files = [];
        if (idField) { idField.value = uuid(); }
        score(form);
        say(navigator.onLine ? "暂时无法发送：检查记录已保存在本机，将自动重试"
                             : "当前无网络：检查记录已保存在本机，联网后自动发送");
        showPending();
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("inspect-form");
    if (form) { setup(form); }
    showPending();
    flush();
    window.addEventListener("online", flush);
    window.addEventListener("offline", showPending);
    window.setInterval(function () { if (outbox().length) { flush(); } }, 30000);
  });
  window.yanglaoSupervision = { flush: flush, outbox: outbox };
})();
