// Loaded as the first thing in <body>, before the page is drawn: NHS.UK frontend styles its
// interactive components (the header's "More" menu, character counts) only where its scripts
// will run, which it reads from these classes on <body>.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
