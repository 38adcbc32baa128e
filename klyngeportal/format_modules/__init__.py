"""Django format modules for the portal's languages (FORMAT_MODULE_PATH)."""
