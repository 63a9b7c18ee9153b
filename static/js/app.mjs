// Starts NHS.UK frontend's components on every page (header menu, error summary, character
// counts, skip link, buttons). The module is copied from the npm package by `make assets`.
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

initAll();
