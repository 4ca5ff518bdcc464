// supportdesk: small, optional enhancements. Every page works without this file.
"use strict";
