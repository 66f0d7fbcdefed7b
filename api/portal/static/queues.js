// The queues page: a presence switch saves at once through the API.
"use strict";

const ACTIVE = "Active: you receive calls from this queue.";
const AWAY = "Not active: you do not receive calls from this queue.";

function queueCsrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

document.querySelectorAll("li.queue").forEach((item) => {
  const box = item.querySelector('input[name="present"]');
  const state = item.querySelector(".presence-state");
  box.addEventListener("change", async () => {
    const wanted = box.checked;
    box.disabled = true;
    try {
      const response = await fetch(`/queues/${item.dataset.queueId}/presence`, {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": queueCsrfToken() },
        body: JSON.stringify({ present: wanted }),
      });
      if (!response.ok) throw new Error((await response.json()).detail || response.statusText);
      const saved = (await response.json()).present;
      box.checked = saved;
      state.textContent = saved ? ACTIVE : AWAY;
      state.classList.remove("error");
    } catch (error) {
      box.checked = !wanted;
      state.textContent = `Not saved: ${error.message}`;
      state.classList.add("error");
    } finally {
      box.disabled = false;
    }
  });
});
