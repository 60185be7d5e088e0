// Destructive forms carry data-confirm: ask before submitting. Without
// JavaScript the form still works (the action itself is safe to repeat).
document.addEventListener("submit", function (ev) {
  var msg = ev.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) ev.preventDefault();
});
