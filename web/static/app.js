// Progressive enhancement only: every page works without this file.
document.addEventListener("submit", (event) => {
  // One click, one request: a second click while the first is on its way does nothing.
  const button = event.target.querySelector("button[type=submit]");
  if (button) setTimeout(() => { button.disabled = true; }, 0);
});
document.addEventListener("change", (event) => {
  // Reporting: choosing the enterprise fills in its region and industry when they are still empty.
  const select = event.target;
  if (select.id !== "enterprise_uscc") return;
  const option = select.selectedOptions[0];
  const region = document.getElementById("region_code");
  const industry = document.getElementById("industry");
  if (option && region && option.dataset.region && [...region.options].some((o) => o.value === option.dataset.region)) region.value = option.dataset.region;
  if (option && industry && !industry.value && option.dataset.industry) industry.value = option.dataset.industry;
});
// Evidence that is not an image (a PDF) shows its name instead of a broken picture. Here rather than an
// inline onerror attribute: the Content-Security-Policy allows no inline script.
function showAltText(img) {
  img.replaceWith(document.createTextNode(img.alt));
}
document.querySelectorAll("img[data-fallback]").forEach((img) => {
  if (img.complete && img.naturalWidth === 0) showAltText(img);
  else img.addEventListener("error", () => showAltText(img));
});
