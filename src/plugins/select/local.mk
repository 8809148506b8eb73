# select plugin
