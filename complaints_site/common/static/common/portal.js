// Portal behaviour that used to sit in inline handlers (the Content-Security-Policy allows
// scripts from our origin only): a select marked data-submit-on-change submits its form.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
});
