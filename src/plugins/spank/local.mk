# spank plugin
