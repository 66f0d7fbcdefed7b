// What is new to the owner: the missed-call and voicemail badges of the header, kept current, and
// (when the owner turned call notifications on and the browser allows them) a notification per
// newly missed call. window.showCallNotification(title, body) shows one for other scripts too (an
// incoming call on the WebPhone), under the same setting.
"use strict";

(() => {
  const POLL_MS = 15000;
  const header = document.querySelector("header.top[data-missed-calls]");
  if (!header) return;
  let knownMissed = Number(header.dataset.missedCalls || 0);

  function showBadge(id, count) {
    const badge = document.getElementById(id);
    if (!badge) return;
    badge.querySelector(".count").textContent = count > 99 ? "99+" : String(count);
    badge.hidden = count <= 0;
  }

  async function newestMissedCall() {
    const reply = await fetch("/calls?kind=missed&kind=voicemail&limit=1", { credentials: "same-origin" });
    if (!reply.ok) return null;
    const page = await reply.json();
    return page.items.length ? page.items[0] : null;
  }

  function notificationsAllowed() {
    return (
      header.dataset.callNotifications === "on" && "Notification" in window && Notification.permission === "granted"
    );
  }

  function showCallNotification(title, body, { tag = "calls", opens = null } = {}) {
    if (!notificationsAllowed()) return null;
    const notice = new Notification(title, { body, tag });
    notice.onclick = () => {
      window.focus();
      if (opens) window.location.href = opens;
    };
    return notice;
  }
  window.showCallNotification = showCallNotification;

  async function notify(count) {
    if (!notificationsAllowed()) return;
    const call = await newestMissedCall();
    const who = call ? call.display_name || call.number : "";
    const title = count === 1 ? "Missed call" : `${count} missed calls`;
    showCallNotification(title, who ? `Last: ${who}` : "", { tag: "missed-calls", opens: "/portal/calls" });
  }

  async function refresh() {
    let unseen;
    try {
      const reply = await fetch("/profile/unseen", { credentials: "same-origin" });
      if (!reply.ok) return;
      unseen = await reply.json();
    } catch (_error) {
      return;
    }
    showBadge("missed-calls-badge", unseen.missed_calls);
    showBadge("unread-voicemails-badge", unseen.unread_voicemails);
    if (unseen.missed_calls > knownMissed) {
      notify(unseen.missed_calls);
    }
    knownMissed = unseen.missed_calls;
    header.dataset.missedCalls = String(knownMissed);
  }

  setInterval(refresh, POLL_MS);
  window.addEventListener("focus", refresh);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") refresh();
  });

  // On the profile page: turning notifications on asks the browser for permission (a user gesture).
  const toggle = document.querySelector('input[name="call_notifications"]');
  if (toggle && "Notification" in window) {
    toggle.addEventListener("change", () => {
      if (toggle.checked && Notification.permission === "default") Notification.requestPermission();
    });
  }
})();
