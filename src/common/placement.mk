# filled by the placement work
