// Never lose typed input on a page of several forms: what is typed into one form is kept in this
// tab's sessionStorage until that form itself is sent. When another form on the page is sent and
// the page comes back (saved, or refused with its errors), the other forms get their typed text
// back, as long as what the server shows in that field is still what it showed when the typing
// began (so a value saved meanwhile is never overwritten). Nothing is kept once signed out.
const PREFIX = "ae-keep:";

function postForms() {
  return Array.from(document.querySelectorAll("form")).filter(
    (form) => (form.getAttribute("method") || "").toLowerCase() === "post",
  );
}

function keptFields(form) {
  return Array.from(form.elements).filter(
    (el) =>
      el.name &&
      el.name !== "csrfmiddlewaretoken" &&
      !["hidden", "file", "submit", "button", "password", "reset"].includes(el.type),
  );
}

function read(el) {
  return el.type === "checkbox" || el.type === "radio" ? (el.checked ? "1" : "") : el.value;
}

function write(el, value) {
  if (el.type === "checkbox" || el.type === "radio") {
    el.checked = value === "1";
  } else {
    el.value = value;
  }
}

// A form's name on its page: its id, else its "action" field, else where it is sent with the kind
// and name of each field (two forms sent to the same address, as allauth's email page has, are
// told apart by their fields); the same name twice on a page is numbered.
function keyOf(form, fields, used) {
  const action = form.querySelector('input[type="hidden"][name="action"]');
  const shape = fields.map((el) => `${el.type}:${el.name}`).join(",");
  const base =
    form.id || (action && action.value) || `${form.getAttribute("action") || ""}|${shape}`;
  const count = used.get(base) || 0;
  used.set(base, count + 1);
  const name = count ? `${base}#${count}` : base;
  return `${PREFIX}${window.location.pathname}:${name}`;
}

function forgetAll() {
  for (let i = window.sessionStorage.length - 1; i >= 0; i -= 1) {
    const key = window.sessionStorage.key(i);
    if (key && key.startsWith(PREFIX)) {
      window.sessionStorage.removeItem(key);
    }
  }
}

export function keepInput() {
  if (!window.sessionStorage) {
    return;
  }
  if (!document.querySelector("#account-menu")) {
    forgetAll(); // signed out: keep nothing anyone typed
    return;
  }
  const forms = postForms();
  const several = forms.length >= 2;
  const used = new Map();
  forms.forEach((form) => {
    const fields = keptFields(form);
    const key = keyOf(form, fields, used);
    const shown = fields.map(read);
    let kept = null;
    try {
      kept = JSON.parse(window.sessionStorage.getItem(key) || "null");
    } catch {
      kept = null;
    }
    const restoring = Boolean(
      kept && kept.shown && kept.typed && kept.shown.length === fields.length,
    );
    if (restoring) {
      fields.forEach((el, i) => {
        if (kept.shown[i] === shown[i] && kept.typed[i] !== shown[i]) {
          write(el, kept.typed[i]);
        }
      });
    }
    // Typing is kept on pages of several forms; a form that comes back alone on its page (the
    // others gone once sent) still gets back what was typed, and keeps it until it is sent.
    if (!several && !restoring) {
      return;
    }
    const save = () => {
      const typed = fields.map(read);
      if (typed.every((value, i) => value === shown[i])) {
        window.sessionStorage.removeItem(key);
      } else {
        window.sessionStorage.setItem(key, JSON.stringify({ shown, typed }));
      }
    };
    save();
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", () => window.sessionStorage.removeItem(key));
  });
}
