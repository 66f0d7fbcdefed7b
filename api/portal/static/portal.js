// Small progressive enhancements; every page works without this file.
"use strict";

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

// Ask before deleting.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// Playing a voicemail marks it read.
document.querySelectorAll("audio[data-voicemail-id]").forEach((audio) => {
  audio.addEventListener("play", () => {
    const article = audio.closest("article");
    if (!article || !article.classList.contains("unread")) return;
    fetch(`/voicemails/${audio.dataset.voicemailId}`, {
      method: "PATCH",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
      body: JSON.stringify({ read: true }),
    }).then((response) => {
      if (response.ok) {
        article.classList.remove("unread");
        const badge = article.querySelector(".badge");
        if (badge) badge.remove();
        const markRead = article.querySelector('form[action$="/read"]');
        if (markRead) markRead.remove();
      }
    });
  }, { once: true });
});
