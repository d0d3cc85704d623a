// The lists' region filters: choosing a township reloads the village list of that township.
(function () {
  "use strict";
  document.querySelectorAll("form.filters select[name=township]").forEach(function (select) {
    select.addEventListener("change", function () {
      var village = select.form.querySelector("select[name=village]");
      if (village) { village.value = ""; }
      select.form.submit();
    });
  });
})();
