"""Pure rules and values: badges, search, QR codes, printing, configuration."""
