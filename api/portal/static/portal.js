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

// Double-clicking a contact calls them from the phone page (the number travels in this tab's
// session storage, so only the portal itself can ask the phone to dial).
document.querySelectorAll("tr[data-dial]").forEach((row) => {
  row.addEventListener("dblclick", (event) => {
    if (event.target.closest("a, button, form")) return;
    sessionStorage.setItem("webphone-dial", row.dataset.dial);
    window.location.assign("/portal/phone");
  });
});
