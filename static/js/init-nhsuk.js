// Initialise NHS.UK frontend components (header menu, skip link, buttons,
// tables, tabs, character counts, ...). Load as an ES module:
//   <script type="module" src="{% static 'js/init-nhsuk.js' %}" nonce="..."></script>
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

// initAll() does nothing unless <body> has the `nhsuk-frontend-supported`
// class. The base template should set it (and `js-enabled`) with a small
// inline script at the top of <body> to avoid a flash of unstyled JS-only
// components; a browser running this module supports ES modules, so setting
// the classes here as well is a safe fallback.
document.body.classList.add("js-enabled", "nhsuk-frontend-supported");

initAll();
