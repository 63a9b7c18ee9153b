// The stage form (templates/programmes/event_stage.html) asks only the questions the chosen move
// needs. The server renders them for the move the page is about and decides what is required
// whatever is shown; here, when the choice changes, the questions follow it. Each option of the
// choice lists its move's questions in `data-needs`; each question is a `data-stage-question`
// block ("" is the line saying there is nothing more to answer).
export function stageQuestions() {
  for (const choice of document.querySelectorAll("select[data-stage-move]")) {
    const blocks = choice.form
      ? Array.from(choice.form.querySelectorAll("[data-stage-question]"))
      : [];
    const follow = () => {
      const option = choice.options[choice.selectedIndex];
      const needs = (option?.dataset.needs || "").split(" ").filter(Boolean);
      for (const block of blocks) {
        const name = block.dataset.stageQuestion;
        block.hidden = name ? !needs.includes(name) : needs.length > 0;
      }
    };
    choice.addEventListener("change", follow);
    follow();
  }
}
