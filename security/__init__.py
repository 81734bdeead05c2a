"""Security: passwords, access tokens, OpenID Connect sign-in, sign-in throttling, the whistleblower contact cipher."""
