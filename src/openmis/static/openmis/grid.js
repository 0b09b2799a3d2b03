(() => {
  // Behaviour of the cash-flow tables (htmx does the requests); loaded once per page.
  if (window.openmisCashFlowGrid) return;
  window.openmisCashFlowGrid = true;
  const forms = ".cash-flow-grid, .grid-add-alternative";
  const ours = /\bclass="(cash-flow-grid|grid-add-alternative)[\s"]/;
  const refused = (form, status) => {
    let box = form.querySelector(".grid-request-error");
    if (!box) {
      box = document.createElement("div");
      box.className = "alert alert-danger small m-2 grid-request-error";
      box.setAttribute("role", "alert");
      const header = form.querySelector(".card-header");
      if (header) header.after(box); else form.prepend(box);
    }
    box.textContent = (form.dataset.requestError || "HTTP %(status)s").replace("%(status)s", status);
    if (form.matches("form.cash-flow-grid")) form.dataset.dirty = "1";  // still unsaved
  };
  // A refused save (400) or a conflict (409) answers with the table and its errors: show it.
  // Any other failure (403, Django's own 400 for too many fields, 500) keeps the draft as it is.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const form = event.detail.elt.closest?.(forms);
    const status = event.detail.xhr.status;
    if (!form || status < 400) return;
    if ((status === 400 || status === 409) && ours.test(event.detail.serverResponse || "")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    } else {
      refused(form, status);
    }
  });
  document.addEventListener("htmx:sendError", (event) => {
    const form = event.detail.elt.closest?.(forms);
    if (form) refused(form, "—");
  });
  const showRanges = (form, on) => {
    form.classList.toggle("show-ranges", on);
    // Empty hidden range inputs are not sent (Django takes at most 1000 fields a request).
    form.querySelectorAll(".grid-range input").forEach((input) => {
      input.disabled = !on && !input.value;
    });
  };
  document.addEventListener("change", (event) => {
    if (event.target.matches(".grid-ranges-toggle")) showRanges(event.target.form, event.target.checked);
  });
  document.addEventListener("input", (event) => {
    const form = event.target.closest?.("form.cash-flow-grid");
    if (!form || event.target.matches(".grid-ranges-toggle")) return;
    form.dataset.dirty = "1";
    const flag = form.querySelector(".grid-unsaved");
    if (flag) flag.hidden = false;
  });
  // A table being posted comes back marked again if it still holds unsaved edits; a saved one
  // reloads the page, which only the other tables' unsaved edits should hold up.
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.elt.matches?.("form.cash-flow-grid")) delete event.detail.elt.dataset.dirty;
  });
  window.addEventListener("beforeunload", (event) => {
    if (document.querySelector("form.cash-flow-grid[data-dirty]")) event.preventDefault();
  });
})();
