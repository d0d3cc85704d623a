/* yanglao visits: a visit record survives a reload and a lost connection, and is sent later.
 *
 * The draft, the outbox, the sending and the banner are the shared yanglao/outbox.js (loaded first);
 * this page adds the visit form: one draft per person, and a photo kept as a data URL when it is small
 * enough for localStorage (about 1.5 MB). A larger photo is sent directly with the form when online.
 */
(function () {
  "use strict";
  var PHOTO_LIMIT = 1500000;
  var box = window.YanglaoOutbox.create({
    key: "yanglao.visits.outbox",
    noun: "探访记录",
    bannerId: "outbox-status",
    bannerClass: "v-outbox",
    loginText: "登录已过期：请重新登录，探访记录仍保存在本机，登录后自动发送",
    rejected: function () { return "，请打开该老年人页面重新填写"; },
    attach: function (body, entry) {
      if (entry.photo) { body.append("photo", box.toBlob(entry.photo.dataUrl), entry.photo.name); }
    },
    onSent: function (sent) { document.dispatchEvent(new CustomEvent("visits:sent", { detail: { sent: sent } })); }
  });
  var fieldsOf = box.fieldsOf, uuid = box.uuid;

  function flush() { return box.flush().then(function (sent) { return sent.length; }); }

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
    var draft = box.load(key, null);
    var say = function (text) { if (status) { status.textContent = text; } };
    if (draft && draft.fields) {
      restore(form, draft.fields);
      say("已恢复未提交的草稿（" + new Date(draft.savedAt).toLocaleString("zh-CN") + "）");
    }
    if (idField && !idField.value) { idField.value = uuid(); }
    var photo = draft && draft.photo ? draft.photo : null;

    function keep() {
      draft = { fields: fieldsOf(form), photo: photo, savedAt: Date.now() };
      if (!box.save(key, draft)) { draft.photo = null; box.save(key, draft); say("照片太大，未能保存在本机草稿中"); }
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
      box.put(entry.direct ? { id: entry.id, url: entry.url, person: entry.person, fields: entry.fields, photo: null, savedAt: entry.savedAt } : entry);
      window.localStorage.removeItem(key);
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      var attempt = entry.direct ? sendDirect(form, entry) : flush();
      attempt.then(function () {
        if (button) { button.disabled = false; }
        if (!box.has(entry.id)) {
          say("探访记录已发送");
          window.location.href = form.dataset.personUrl + "?saved=1";
          return;
        }
        form.reset();
        photo = null;
        if (idField) { idField.value = uuid(); }
        say(navigator.onLine ? "暂时无法发送：探访记录已保存在本机，将自动重试"
                             : "当前无网络：探访记录已保存在本机，联网后自动发送");
        box.showPending();
      });
    });
  }

  function sendDirect(form, entry) {
    var body = new FormData(form);
    return fetch(entry.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": box.csrfToken() }
    }).then(function (response) {
      if (response.ok) { box.remove(entry.id); }
      return 0;
    }, function () { return 0; });
  }

  box.start(function () {
    var form = document.getElementById("visit-form");
    if (form) { setupForm(form); }
  });

  window.yanglaoVisits = { flush: flush, outbox: box.outbox };
})();
