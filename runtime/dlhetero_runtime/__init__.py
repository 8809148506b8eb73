"""dlhetero reference runtime: runs the parallel plan a --dl-hetero job's
tasks get in DL_PLAN (tensor, pipeline and data parallel groups per chip
type) on a small LLaMA-style decoder, so that every plan is proven
runnable.  A reference, not a training framework: small and readable."""
