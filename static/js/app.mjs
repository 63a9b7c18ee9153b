// Starts NHS.UK frontend's components on every page (header menu, error summary, character
// counts, skip link, buttons), copied from the npm package by `make assets`, and keeps typed
// input on pages of several forms (keep-input.mjs), and shows the stage form's questions for the
// chosen move (stage-questions.mjs).
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";
import { keepInput } from "./keep-input.mjs";
import { stageQuestions } from "./stage-questions.mjs";

initAll();
keepInput();
stageQuestions();
