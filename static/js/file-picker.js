// A Russian file picker: the browser's own button speaks the browser's language («Choose
// Files»). Each file input is kept (visually hidden, still focusable and labelled: Space or
// Enter opens the dialog) and gets a button «Выберите файлы» and the chosen files' names.
(function () {
  "use strict";

  function enhance(input) {
    if (input.dataset.picker) return;
    input.dataset.picker = "1";
    if (!input.id) input.id = "file-" + Math.random().toString(36).slice(2);
    var wrap = document.createElement("div");
    wrap.className = "file-picker";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    input.classList.add("visually-hidden");
    var button = document.createElement("label");
    button.htmlFor = input.id;
    button.className = "btn btn-outline-primary btn-sm file-picker-button";
    button.textContent = input.multiple ? "Выберите файлы" : "Выберите файл";
    var state = document.createElement("span");
    state.className = "file-picker-state small";
    state.setAttribute("aria-live", "polite");
    function update() {
      var names = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
      state.textContent = names.length
        ? names.join(", ")
        : (input.multiple ? "Файлы не выбраны" : "Файл не выбран");
    }
    input.addEventListener("change", update);
    update();
    wrap.appendChild(button);
    wrap.appendChild(state);
  }

  function run(root) {
    var scope = root && root.querySelectorAll ? root : document;
    Array.prototype.forEach.call(scope.querySelectorAll('input[type="file"]'), enhance);
  }

  document.addEventListener("DOMContentLoaded", function () { run(document); });
  document.addEventListener("htmx:load", function (event) { run(event.target); });
})();
