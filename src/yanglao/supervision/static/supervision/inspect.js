/* yanglao supervision: the inspection record on a tablet survives a reload and a lost connection.
 *
 * The draft, the outbox, the sending and the banner are the shared yanglao/outbox.js (loaded first);
 * this page adds the checklist: one draft per facility, photos and PDFs kept as data URLs while they
 * fit (about 1.5 MB in all; larger ones need a connection), and the live score (100 minus the
 * deductions of the ticked items).
 */
(function () {
  "use strict";
  var FILES_LIMIT = 1500000;
  var box = window.YanglaoOutbox.create({
    key: "yanglao.supervision.outbox",
    noun: "检查记录",
    bannerId: "outbox-status",
    bannerClass: "s-outbox",
    loginText: "登录已过期：请重新登录，检查记录仍保存在本机",
    rejected: function (failed) { return "：" + JSON.stringify(failed[0].error); },
    attach: function (body, entry) {
      (entry.files || []).forEach(function (f) { body.append("evidence", box.toBlob(f.dataUrl), f.name); });
    }
  });
  var fieldsOf = box.fieldsOf, uuid = box.uuid;

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
    var draft = box.load(key, null);
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
      if (!box.save(key, d)) { d.files = []; box.save(key, d); say("材料太大，未能保存在本机草稿中"); }
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
      if (!box.put(entry)) { entry.files = []; box.put(entry); }
      window.localStorage.removeItem(key);
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      box.flush().then(function (sent) {
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
        box.showPending();
      });
    });
  }
  box.start(function () {
    var form = document.getElementById("inspect-form");
    if (form) { setup(form); }
  });
  window.yanglaoSupervision = { flush: box.flush, outbox: box.outbox };
})();
