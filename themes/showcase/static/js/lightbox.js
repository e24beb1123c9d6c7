// Gallery lightbox: a photo of a gallery opens large in a modal <dialog>, with its
// caption; arrows, buttons or a swipe move through the gallery, Esc or the close button
// ends it and focus returns to the thumbnail. Without scripts the thumbnail is a plain
// link to the photo.
(function () {
  "use strict";
  const galleries = document.querySelectorAll(".gallery");
  if (!galleries.length || typeof HTMLDialogElement !== "function") return;

  let links = [];
  let index = 0;
  let opener = null;

  const dialog = document.createElement("dialog");
  dialog.className = "lightbox";
  dialog.setAttribute("aria-label", "照片");
  dialog.innerHTML =
    '<figure><img alt=""><figcaption></figcaption></figure>' +
    '<p class="lb-count" aria-live="polite"></p>' +
    '<button type="button" class="lb-prev" aria-label="上一张">‹</button>' +
    '<button type="button" class="lb-next" aria-label="下一张">›</button>' +
    '<button type="button" class="lb-close" aria-label="关闭">×</button>';
  document.body.append(dialog);
  const img = dialog.querySelector("img");
  const caption = dialog.querySelector("figcaption");
  const count = dialog.querySelector(".lb-count");
  const prev = dialog.querySelector(".lb-prev");
  const next = dialog.querySelector(".lb-next");

  function show(n) {
    index = (n + links.length) % links.length;
    const a = links[index];
    const thumb = a.querySelector("img");
    img.removeAttribute("srcset");
    img.src = a.href;
    if (a.dataset.srcset) {
      img.srcset = a.dataset.srcset;
      img.sizes = "100vw";
    }
    img.alt = thumb ? thumb.alt : "";
    caption.textContent = a.dataset.caption || "";
    caption.hidden = !a.dataset.caption;
    count.textContent = links.length > 1 ? index + 1 + " / " + links.length : "";
    prev.hidden = next.hidden = links.length < 2;
  }

  function open(a) {
    links = Array.from(a.closest(".gallery").querySelectorAll("a"));
    opener = a;
    show(links.indexOf(a));
    dialog.showModal();
    dialog.querySelector(".lb-close").focus();
  }

  galleries.forEach((g) =>
    g.addEventListener("click", (e) => {
      const a = e.target.closest("a");
      if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      open(a);
    }),
  );
  prev.addEventListener("click", () => show(index - 1));
  next.addEventListener("click", () => show(index + 1));
  dialog.querySelector(".lb-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    img.removeAttribute("src");
    img.removeAttribute("srcset");
    if (opener) opener.focus();
  });
  // A click on the dark area around the photo closes, as people expect.
  dialog.addEventListener("click", (e) => {
    if (e.target === dialog || e.target.tagName === "FIGURE") dialog.close();
  });
  dialog.addEventListener("keydown", (e) => {
    if (e.key === "ArrowLeft") show(index - 1);
    else if (e.key === "ArrowRight") show(index + 1);
  });
  let startX = null;
  dialog.addEventListener("touchstart", (e) => (startX = e.touches[0].clientX), { passive: true });
  dialog.addEventListener("touchend", (e) => {
    if (startX === null) return;
    const dx = e.changedTouches[0].clientX - startX;
    startX = null;
    if (Math.abs(dx) > 40 && links.length > 1) show(dx < 0 ? index + 1 : index - 1);
  });
})();
