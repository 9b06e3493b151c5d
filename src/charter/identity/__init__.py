"""Identity (SA-2, SA-3, SA-5, DP-5): who is behind a request. End users become pseudonymous subject
ids (a keyed hash per tenant, :mod:`charter.identity.subjects`); their records can be exported and
erased (:mod:`charter.identity.requests`). Staff sign in with OpenID Connect: their bearer tokens are
verified by :mod:`charter.identity.oidc`, ended sessions arrive by back-channel logout
(:mod:`charter.identity.logout`)."""
