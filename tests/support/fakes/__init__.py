"""Local stand-ins for the far side of notify's channels, run by the tests on loopback:
an SMTP server (aiosmtpd), an SMS gateway, the WeChat API and a webhook receiver."""
