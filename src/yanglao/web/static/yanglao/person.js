// The person page: "查看完整" buttons ask the server for one full value (each reveal is audited).
(function () {
  "use strict";
  function token() {
    var input = document.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : document.body.dataset.csrf || "";
  }
  document.querySelectorAll("button.reveal").forEach(function (button) {
    button.addEventListener("click", function () {
      var body = new FormData();
      body.append("field", button.dataset.field);
      body.append("csrfmiddlewaretoken", token());
      fetch(button.dataset.url, {method: "POST", body: body, credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (data.value) {
            document.querySelector('.value[data-field="' + button.dataset.field + '"]').textContent = data.value;
            button.remove();
          } else {
            alert(data.error || "无权查看");
          }
        });
    });
  });
})();
