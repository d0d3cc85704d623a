/* yanglao home services: the worker's phone page works offline.
 *
 * The draft, the outbox, the sending and the banner are the shared yanglao/outbox.js (loaded first);
 * this page adds the order form: one draft per order, clock in/out, location, the signature or code,
 * and up to 3 photos kept as data URLs when small enough (1.5 MB together; the server removes metadata).
 */
(function () {
  "use strict";
  var PHOTO_LIMIT = 1500000;
  var box = window.YanglaoOutbox.create({
    key: "yanglao.hs.outbox",
    noun: "上门服务记录",
    bannerId: "hs-outbox",
    bannerClass: "hs-outbox",
    loginText: "登录已过期：请重新登录，记录仍保存在本机，登录后自动发送",
    rejected: function (failed, waiting) { return "：" + failed_text(waiting); },
    attach: function (body, entry) {
      (entry.photos || []).forEach(function (p) { body.append("photo", box.toBlob(p.dataUrl), p.name); });
    }
  });
  var fieldsOf = box.fieldsOf;

  function flush() { return box.flush().then(function (sent) { return sent.length; }); }
  function failed_text(waiting) {
    return waiting.filter(function (e) { return e.error; }).map(function (e) {
      return typeof e.error === "object" ? Object.keys(e.error).map(function (k) { return e.error[k]; }).join("；") : "请重新填写";
    }).join("；");
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
    var draft = box.load(key, null);
    if (draft && draft.fields) { restore(form, draft.fields); say("已恢复未提交的草稿"); }
    if (!uid.value) { uid.value = box.uuid(); }
    var photos = (draft && draft.photos) || [];
    function keep() {
      draft = { fields: fieldsOf(form), photos: photos };
      if (!box.save(key, draft)) { draft.photos = []; box.save(key, draft); say("照片太大，未能保存在本机草稿中"); }
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
      if (!box.put(entry)) { entry.photos = []; box.put(entry); }
      window.localStorage.removeItem(key);
      flush().then(function () {
        if (!box.has(entry.id)) { say("上门服务记录已发送"); window.location.href = form.dataset.back + "?sent=1"; return; }
        say(navigator.onLine ? "暂时无法发送：记录已保存在本机，将自动重试" : "当前无网络：记录已保存在本机，联网后自动发送");
        box.showPending();
      });
    });
  }

  box.start(function () {
    var form = document.getElementById("hs-visit");
    if (form) { setupForm(form); }
  });
  window.yanglaoHomeServices = { flush: flush, outbox: box.outbox };
})();
