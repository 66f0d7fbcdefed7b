// The settings page's greeting preview: plays the greeting as the form holds it, before saving.
"use strict";

(() => {
  const button = document.getElementById("greeting-preview");
  const player = document.getElementById("greeting-audio");
  const status = document.getElementById("greeting-preview-status");
  if (!button || !player || !status) return;

  function previewUrl() {
    const query = new URLSearchParams();
    query.set("text", document.getElementById("welcome_text").value);
    for (const name of ["voice", "rate", "pitch"]) {
      query.set(name, document.getElementById(`greeting_${name}`).value);
    }
    return `/settings/greeting.wav?${query}`;
  }

  button.addEventListener("click", async () => {
    const url = previewUrl();
    status.textContent = "Preparing the greeting…";
    button.disabled = true;
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        status.textContent = body.detail || `The greeting cannot be played (${response.status}).`;
        return;
      }
      player.src = url; // rendered once: this second request reads the cached file
      player.hidden = false;
      status.textContent = "Playing the greeting.";
      await player.play().catch(() => { status.textContent = "Press play to hear the greeting."; });
    } finally {
      button.disabled = false;
    }
  });
})();
