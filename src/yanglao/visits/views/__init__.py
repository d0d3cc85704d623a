"""The visits pages: home, the visit record (phone), the lists with their XLSX exports, management."""
