// Paste beside the booking page's <iframe> on the restaurant's own site: it sizes the frame to
// the page inside it, so there is never a scroll bar within the frame. No other effect.
(function () {
  "use strict";
  var frames = document.querySelectorAll("iframe[data-restaurant-booking]");
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "restaurant-booking:height" || typeof data.height !== "number") return;
    Array.prototype.forEach.call(frames, function (frame) {
      // Only the frame that sent it, and only from the booking page's own origin.
      if (frame.contentWindow === event.source && frame.src.indexOf(event.origin + "/") === 0) {
        frame.style.height = Math.max(200, Math.min(data.height, 5000)) + "px";
      }
    });
  });
})();
