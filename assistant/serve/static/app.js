// Streams an answer into the Ask page as it is written (server-sent events). Everything else works without it:
// the form's plain GET renders the whole answer on the server. Text is set with textContent, never as markup;
// the sources and checks arrive as a fragment the server rendered and escaped.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("ask-form");
  const box = document.getElementById("answer");
  if (!form || !box || !window.EventSource) return;
  form.addEventListener("submit", (event) => {
    const question = new FormData(form).get("q");
    if (!question) return;
    event.preventDefault();
    history.replaceState(null, "", "/ask?q=" + encodeURIComponent(question));
    box.replaceChildren();
    const text = document.createElement("p");
    text.id = "answer-text";
    box.appendChild(text);
    const source = new EventSource("/ask/stream?q=" + encodeURIComponent(question));
    source.addEventListener("text", (e) => { text.textContent += JSON.parse(e.data); });
    source.addEventListener("done", (e) => {
      source.close();
      const parts = document.createElement("div");
      parts.id = "answer-parts";
      parts.innerHTML = JSON.parse(e.data);  // rendered and escaped by the server's template
      box.appendChild(parts);
    });
    source.addEventListener("failed", (e) => {
      source.close();
      const warning = document.createElement("p");
      warning.className = "warning";
      warning.textContent = JSON.parse(e.data);
      box.appendChild(warning);
    });
    source.onerror = () => { source.close(); };
  });
});
