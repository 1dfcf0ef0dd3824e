// Keyboard shortcuts on the review page: s = same, d = different, u = unsure.
// Ignored while typing a note, and with a modifier key held (so browser shortcuts keep working).
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const tag = (event.target.tagName || "").toLowerCase();
  if (tag === "textarea" || tag === "input") return;
  const button = document.querySelector(`#judge button[data-key="${event.key.toLowerCase()}"]`);
  if (button) {
    event.preventDefault();
    button.click();
  }
});
