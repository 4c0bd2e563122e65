// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".menu-toggle");
  const nav = document.getElementById("nav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }
  const roleSwitch = document.getElementById("role-select");
  if (roleSwitch) roleSwitch.addEventListener("change", () => roleSwitch.form.submit());

  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  // Fields that apply only to some roles (data-for-roles="head curator") follow the chosen role.
  const role = document.getElementById("f-role");
  if (role) {
    const sync = () => {
      document.querySelectorAll("[data-for-roles]").forEach((el) => {
        const show = !role.value || el.dataset.forRoles.split(" ").includes(role.value);
        el.hidden = !show;
        el.querySelectorAll("select, input").forEach((input) => { input.disabled = !show; });
      });
    };
    role.addEventListener("change", sync);
    sync();
  }

  // A file over its limit (data-max-bytes, the server's own) is named at its field before the upload starts;
  // the server refuses it all the same.
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach((input) => {
    const field = input.closest(".field") || input.parentElement;
    const note = document.createElement("p");
    note.className = "error";
    note.hidden = true;
    field.appendChild(note);
    const tooLarge = () => Array.from(input.files || []).some((f) => f.size > Number(input.dataset.maxBytes));
    input.addEventListener("change", () => {
      note.hidden = !tooLarge();
      note.textContent = note.hidden ? "" : input.dataset.tooLarge;
      field.classList.toggle("has-error", !note.hidden);
    });
    if (input.form) {
      input.form.addEventListener("submit", (event) => {
        if (tooLarge()) {
          event.preventDefault();
          input.focus();
        }
      });
    }
  });

  // A meeting form shows the reflection questions of the chosen kind of meeting only.
  document.querySelectorAll("select[data-meeting-kind]").forEach((kind) => {
    const sync = () => {
      kind.form.querySelectorAll("[data-for-kind]").forEach((el) => {
        el.hidden = !el.dataset.forKind.split(" ").includes(kind.value);
      });
    };
    kind.addEventListener("change", sync);
    sync();
  });
});
