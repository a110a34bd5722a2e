// Hearth's only script, loaded by every page as
//   <script type="module" src="/assets/app.mjs"></script>
// There is no inline script anywhere: the Content Security Policy is
// `script-src 'self'`, so this external module does what GOV.UK's page
// template does inline. Pages work without JavaScript; with it, GOV.UK and
// MoJ components get their behaviour (progressive enhancement).
//
// A browser that runs a module script supports what GOV.UK Frontend needs,
// so the classes are added unconditionally. Module scripts run after the
// document is parsed, so document.body exists here.
import { initAll as initGovukFrontend } from "/assets/govuk-frontend.min.js";
import { initAll as initMojFrontend } from "/assets/moj-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");

// Each initAll finds its components by `data-module` and reports a broken
// one on the console without stopping the rest.
initGovukFrontend();
initMojFrontend();
