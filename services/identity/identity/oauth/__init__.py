"""OAuth2 client credentials: service-to-service tokens issued by identity."""
