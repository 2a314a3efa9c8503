// Playbook pages: the "Print" buttons (hidden without JavaScript) print the page.
for (const button of document.querySelectorAll("button[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
