/* yanglao home services: the worker's phone page works offline.
 *
 * - The form is kept as a draft in localStorage while it is filled in (one per order).
 * - 提交 puts the record in an outbox (localStorage) and tries to send it; without a connection it
 *   waits and is sent when the phone is back online, when a phone page is opened, or every 30 s.
 * - Each record has an id made here, so a record sent twice is stored once.
 * - Photos small enough (1.5 MB together) are kept as data URLs; the server removes their metadata.
 */
(function () {
  "use strict";
  var OUTBOX = "yanglao.hs.outbox";
  var PHOTO_LIMIT = 1500000;
  var sending = false;

  function load(key, fallback) {
    try { var v = window.localStorage.getItem(key); return v ? JSON.parse(v) : fallback; } catch (e) { return fallback; }
  }
  function save(key, value) {
    if (key === OUTBOX && value.length === 0) { window.localStorage.removeItem(key); return true; }
    try { window.localStorage.setItem(key, JSON.stringify(value)); return true; } catch (e) { return false; }
  }
  function outbox() { return load(OUTBOX, []); }
  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0; return (c === "x" ? r : (r & 0x3 | 0x8)).toString(16);
    });
  }
  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) { return decodeURIComponent(m[1]); }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function banner(text, kind) {
    var box = document.getElementById("hs-outbox");
    if (!box) { return; }
    box.hidden = !text;
    box.textContent = text || "";
    box.className = "hs-outbox" + (kind ? " " + kind : "");
  }
  function showPending() {
    var waiting = outbox();
    if (!waiting.length) { banner(""); return; }
    var failed = waiting.filter(function (e) { return e.error; }).length;
    banner("有 " + waiting.length + " 条上门服务记录保存在本机，待发送" +
      (failed ? "（" + failed + " 条被退回：" + failed_text(waiting) + "）" : "") +
      (navigator.onLine ? "" : "：当前无网络，联网后自动发送"), "waiting");
  }
  function failed_text(waiting) {
    return waiting.filter(function (e) { return e.error; }).map(function (e) {
      return typeof e.error === "object" ? Object.keys(e.error).map(function (k) { return e.error[k]; }).join("；") : "请重新填写";
    }).join("；");
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
    (entry.photos || []).forEach(function (p) { body.append("photo", toBlob(p.dataUrl), p.name); });
    return fetch(entry.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") >= 0;
      if (!json) { return { retry: true, login: true }; }
      return response.json().then(function (data) {
        if (response.ok && data.ok) { return { sent: true }; }
        if (response.status >= 500) { return { retry: true }; }
        return { rejected: true, data: data };
      });
    }, function () { return { retry: true }; });
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
          if (result.sent) { sent += 1; save(OUTBOX, rest.filter(function (e) { return e.id !== entry.id; })); return true; }
          if (result.rejected) {
            rest.forEach(function (e) { if (e.id === entry.id) { e.error = result.data.errors || true; } });
            save(OUTBOX, rest);
            return true;
          }
          if (result.login) { banner("登录已过期：请重新登录，记录仍保存在本机，登录后自动发送", "waiting"); }
          return false;
        });
      });
    });
    return chain.then(function () {
      sending = false;
      if (sent) {
        var left = outbox().length;
        banner("已发送 " + sent + " 条上门服务记录" + (left ? "，还有 " + left + " 条待发送" : ""), left ? "waiting" : "sent");
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
    fields.forEach(function (pair) {
      form.querySelectorAll('[name="' + pair[0] + '"]').forEach(function (el) {
        if (el.type === "radio" || el.type === "checkbox") { el.checked = el.value === pair[1]; }
        else if (el.type !== "file") { el.value = pair[1]; }
      });
    });
  }
  function localNow() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function setupSignature(form) {
    var canvas = document.getElementById("hs-canvas");
    var field = form.querySelector("input[name=signature]");
    if (!canvas || !field) { return; }
    var ctx = canvas.getContext("2d");
    ctx.lineWidth = 2; ctx.lineCap = "round";
    var drawing = false, drawn = false;
    function point(e) { var r = canvas.getBoundingClientRect(); return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height]; }
    canvas.addEventListener("pointerdown", function (e) { drawing = true; var p = point(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); e.preventDefault(); });
    canvas.addEventListener("pointermove", function (e) { if (!drawing) { return; } var p = point(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); drawn = true; });
    function end() { if (drawing && drawn) { field.value = canvas.toDataURL("image/png"); form.dispatchEvent(new Event("change")); } drawing = false; }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointerleave", end);
    document.getElementById("hs-clear").addEventListener("click", function () { ctx.clearRect(0, 0, canvas.width, canvas.height); field.value = ""; drawn = false; });
  }

  function setupForm(form) {
    var key = form.dataset.draftKey;
    var status = document.getElementById("hs-status");
    var say = function (t) { if (status) { status.textContent = t; } };
    var uid = form.querySelector("input[name=uid]");
    var draft = load(key, null);
    if (draft && draft.fields) { restore(form, draft.fields); say("已恢复未提交的草稿"); }
    if (!uid.value) { uid.value = uuid(); }
    var photos = (draft && draft.photos) || [];
    function keep() {
      draft = { fields: fieldsOf(form), photos: photos };
      if (!save(key, draft)) { draft.photos = []; save(key, draft); say("照片太大，未能保存在本机草稿中"); }
    }
    function mode() {
      var sign = form.querySelector("input[name=confirmation]:checked").value === "signature";
      document.getElementById("hs-sign").hidden = !sign;
      document.getElementById("hs-code").hidden = sign;
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", function () { mode(); keep(); });
    mode();
    document.getElementById("hs-in").addEventListener("click", function () { form.elements.start.value = localNow(); keep(); });
    document.getElementById("hs-out").addEventListener("click", function () { form.elements.end.value = localNow(); keep(); });
    document.getElementById("hs-where").addEventListener("change", function (e) {
      if (!e.target.checked || !navigator.geolocation) { form.elements.lat.value = form.elements.lon.value = ""; keep(); return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.elements.lat.value = pos.coords.latitude.toFixed(5); form.elements.lon.value = pos.coords.longitude.toFixed(5); keep();
      }, function () { say("未能取得位置（可不记录位置）"); });
    });
    var input = form.querySelector("input[type=file][name=photo]");
    input.addEventListener("change", function () {
      photos = [];
      var files = Array.prototype.slice.call(input.files || [], 0, 3);
      var total = files.reduce(function (s, f) { return s + f.size; }, 0);
      if (total > PHOTO_LIMIT) { say("照片较大：无网络时不能保存在本机，请联网时提交"); }
      files.forEach(function (file) {
        var reader = new FileReader();
        reader.onload = function () { photos.push({ name: file.name, dataUrl: reader.result }); keep(); };
        reader.readAsDataURL(file);
      });
    });
    setupSignature(form);
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !form.reportValidity()) { return; }
      event.preventDefault();
      var entry = { id: uid.value, url: form.action, fields: fieldsOf(form), photos: photos, savedAt: Date.now() };
      var box = outbox().filter(function (e) { return e.id !== entry.id; });
      box.push(entry);
      if (!save(OUTBOX, box)) { entry.photos = []; box[box.length - 1] = entry; save(OUTBOX, box); }
      window.localStorage.removeItem(key);
      flush().then(function () {
        var still = outbox().some(function (e) { return e.id === entry.id; });
        if (!still) { say("上门服务记录已发送"); window.location.href = form.dataset.back + "?sent=1"; return; }
        say(navigator.onLine ? "暂时无法发送：记录已保存在本机，将自动重试" : "当前无网络：记录已保存在本机，联网后自动发送");
        showPending();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("hs-visit");
    if (form) { setupForm(form); }
    showPending();
    flush();
    window.addEventListener("online", flush);
    window.addEventListener("offline", showPending);
    window.setInterval(function () { if (outbox().length) { flush(); } }, 30000);
  });
  window.yanglaoHomeServices = { flush: flush, outbox: outbox };
})();
