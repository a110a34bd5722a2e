// Progressive enhancement: pages work without JavaScript; with it, GOV.UK
// and MoJ components get their behaviour. Loaded as an external module
// because the Content Security Policy forbids inline script.
import { initAll as initGovuk } from "/assets/govuk-frontend.min.js";
import { initAll as initMoj } from "/assets/moj-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initGovuk();
initMoj();
