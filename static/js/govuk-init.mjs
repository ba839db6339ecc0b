// Initialise GOV.UK Frontend and MoJ Frontend components.
// Load with: <script type="module" src="{% static 'js/govuk-init.mjs' %}"></script>
// (no inline script and no eval, so it works under a strict CSP: script-src 'self').
// Both libraries only initialise when <body> has the `govuk-frontend-supported`
// class, which static/js/body-classes.js adds.
import { initAll as initGovukFrontend } from '../vendor/govuk-frontend/govuk-frontend.min.js';
import { initAll as initMojFrontend } from '../vendor/moj-frontend/moj-frontend.min.js';

initGovukFrontend();
initMojFrontend();
