# gres plugin
