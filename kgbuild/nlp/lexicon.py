"""Word lists the rule components share: cue verbs, head nouns that reveal a kind, generic terms.

Kept as data in one place so that tuning a rule means editing a list, not code.
"""

from __future__ import annotations

import re

# Head nouns right after (or right before) a name that tell its kind: "the X dataset", "a benchmark, X".
# "framework" and "approach" count for METHOD: the guideline keeps MODEL for systems that make
# predictions, and a named framework is far more often a way to train or adapt them.
HEAD_NOUN_KIND: dict[str, str] = {
    **dict.fromkeys(["dataset", "datasets", "corpus", "corpora", "collection", "treebank", "data"], "DATASET"),
    **dict.fromkeys(
        ["benchmark", "benchmarks", "suite", "suites", "leaderboard", "testbed", "test", "challenge", "arena", "eval"],
        "BENCHMARK",
    ),
    **dict.fromkeys(
        [
            "model",
            "models",
            "llm",
            "llms",
            "network",
            "networks",
            "architecture",
            "transformer",
            "transformers",
            "encoder",
            "decoder",
            "family",
            "agent",
            "assistant",
            "chatbot",
            "lm",
            "lms",
            "backbone",
            "detector",
            "tokenizer",
            "retriever",
            "reranker",
            "system",
            "vlm",
            "mllm",
            "gpt",
        ],
        "MODEL",
    ),
    **dict.fromkeys(
        [
            "method",
            "methods",
            "algorithm",
            "algorithms",
            "technique",
            "techniques",
            "strategy",
            "recipe",
            "framework",
            "frameworks",
            "approach",
            "approaches",
            "pipeline",
            "paradigm",
            "objective",
            "loss",
            "procedure",
            "protocol",
            "scheme",
            "mechanism",
            "toolkit",
            "library",
            "optimizer",
            "regularizer",
            "module",
            "training",
            "pretraining",
            "pre-training",
            "fine-tuning",
            "tuning",
            "distillation",
            "prompting",
            "attack",
            "defense",
        ],
        "METHOD",
    ),
    **dict.fromkeys(["metric", "measure", "score"], "METRIC"),
    **dict.fromkeys(
        [
            "learning",
            "recognition",
            "detection",
            "classification",
            "segmentation",
            "translation",
            "generation",
            "answering",
            "retrieval",
            "summarization",
            "summarisation",
            "parsing",
            "forecasting",
            "tagging",
            "captioning",
            "reasoning",
            "understanding",
            "re-identification",
            "identification",
        ],
        "TASK",
    ),
}

TASK_HEADS = frozenset(word for word, kind in HEAD_NOUN_KIND.items() if kind == "TASK")

PROPOSE_VERBS = frozenset(
    """propose proposes proposed introduce introduces introduced present presents presented develop
    develops developed release releases released design designs designed build builds built create
    creates created provide provides construct constructs constructed contribute contributes curate curates curated
    collect collects collected unveil unveils named called dubbed termed coined""".split()
)
NAMING_WORDS = frozenset("named called dubbed termed coined".split())

COMPARE_CUES = frozenset(
    """outperform outperforms outperformed outperforming surpass surpasses surpassed surpassing beat
    beats beating exceed exceeds exceeded exceeding rival rivals rivaling rivalling versus vs vs. than
    compared comparable comparing comparison against over matches matching match competitive par
    baseline baselines similar""".split()
)

BASED_ON_CUES: tuple[tuple[str, ...], ...] = (
    ("fine-tuned", "from"),
    ("finetuned", "from"),
    ("fine", "-", "tuned", "from"),
    ("initialized", "from"),
    ("initialised", "from"),
    ("initialized", "with"),
    ("distilled", "from"),
    ("derived", "from"),
    ("built", "on"),
    ("built", "upon"),
    ("builds", "on"),
    ("builds", "upon"),
    ("based", "on"),
    ("on", "top", "of"),
    ("extension", "of"),
    ("extends",),
    ("extending",),
    ("adaptation", "of"),
    ("continual", "pretraining", "of"),
    ("continual", "pre", "-", "training", "of"),
    ("further", "pre", "-", "trained"),
    ("further", "pretrained"),
    ("further", "pre-trained"),
    ("version", "of"),
    ("variant", "of"),
    ("fine-tuning",),
    ("finetuning",),
    ("fine-tunes",),
    ("teacher",),
    ("aligns",),
    ("starting", "from"),
    ("continued", "pretraining", "of"),
)

TRAINED_ON_CUES = frozenset(
    """trained pretrained pre-trained train pretrain pre-train training pretraining pre-training
    fine-tuned finetuned learned""".split()
)

# Verbs (and verbal nouns) of training, for trained_on: "we pre-train X on D", "X is fine-tuned on D".
# Used as a modifier ("training data", "a pretraining dataset D") they are no evidence of training.
TRAINING_VERBS = frozenset(
    """train trains trained training pretrain pretrains pretrained pretraining pre-train pre-trains pre-trained
    pre-training finetune finetunes finetuned finetuning fine-tune fine-tunes fine-tuned fine-tuning tune tunes
    tuned learned learns distilled""".split()
)
DATA_HEAD_NOUNS = frozenset(
    """data dataset datasets corpus corpora set sets split splits examples samples instances pairs tokens
    mixture recipe regime regimes objective objectives""".split()
)
TRAINING_PREPOSITIONS = frozenset("on with using from over".split())

EVAL_CUES = frozenset(
    """evaluate evaluates evaluated evaluating evaluation experiments experiment results achieves achieve
    achieved achieving benchmark benchmarks state-of-the-art sota accuracy score scores outperforms
    outperform performance tested test on improves improvement gains reaches obtains sets""".split()
)

# Capitalised tokens that look like names but are ordinary words or generic acronyms.
GENERIC_NAMES = frozenset(
    """AI ML DL NLP NLU NLG CV RL LLM LLMs LM LMs PLM PLMs MLM VLM VLMs MLLM MLLMs GPU GPUs TPU TPUs CPU
    CPUs API APIs SOTA CNN CNNs RNN RNNs GNN GNNs GAN GANs VAE VAEs MLP MLPs NN NNs DNN DNNs SGD QA VQA
    ASR TTS OCR NER POS MT NMT IR KG KGs RAG CoT ICL SFT PEFT PET PT FT RI ID OOD IID URL URLs PDF HTML
    JSON SQL USA UK EU US GB MB KB TB FLOPs FLOP PPL AUC ROC BoW TF IDF II III IV ViTs LoRAs SSL CL
    COVID-19 COVID Transformer Transformers BERTs Figure Fig Table Section Stage Step Type
    Phase Level Version Appendix Eq Part Task Tasks Chapter Code Data Model Models Benchmark Dataset
    English Chinese French German Spanish Japanese Korean Arabic Hindi Russian Portuguese Maltese
    Tunisian Python PyTorch TensorFlow JAX GitHub HuggingFace Hugging Face Google Meta OpenAI Microsoft
    DeepMind Anthropic Nvidia NVIDIA Amazon Apple IBM Baidu Alibaba Tencent Huawei ByteDance
    Wikipedia Internet Web Twitter Reddit Hub Wiki Phase1 Phase2 SMILES TL DR TLDR NB ICML NeurIPS ICLR
    MoE MoEs ACL EMNLP NAACL CVPR ICCV ECCV AAAI IJCAI KDD WWW SIGIR arXiv Arxiv LaTeX PhD MIT CMU""".split()
)

SIZE_TOKEN = re.compile(r"^\d+(?:\.\d+)?[BMKT]$", re.IGNORECASE)
SIZE_WORDS = {"billion": "B", "million": "M", "trillion": "T", "thousand": "K"}

# Words that never start a name even when capitalised at a sentence start.
SENTENCE_WORDS = frozenset(
    """A An The This That These Those We Our Its It In On Of For To With By From As At And Or But
    However Moreover Furthermore Specifically Finally Additionally Also Unlike Despite Although While
    When Where Which What Our Here There Then Thus Hence Therefore Recent Existing Previous Prior Such
    Most Many Some Several Each Every Both All Large Small New Novel First Second Third Extensive
    Experimental Experiments Results Empirical Code Comprehensive Given Based Compared Using Through
    To Via Since After Before Unlike Like Instead Overall Notably Importantly Interestingly Further
    Current Standard Traditional Conventional Pre-trained Pretrained Pre-Trained Fine-tuned Recently""".split()
)

# Translation directions after a test set's name ("WMT18 zh-en", "WMT'17 English-Chinese"): the
# direction is part of the benchmark's name.
LANGUAGES = frozenset(
    """en de fr zh ja ko ru es it pt ar cs ro fi tr et lv lt hi gu kk vi th id uk pl nl sv da no hu
    el he bg hr sk sl sr ta te ur bn fa sw ne si ps km my is ga cy eu ca gl af zu xh ha yo ig am
    english german french chinese japanese korean russian spanish italian portuguese arabic czech
    romanian finnish turkish estonian latvian lithuanian hindi gujarati kazakh vietnamese thai
    indonesian ukrainian polish dutch swedish danish norwegian hungarian greek hebrew bulgarian
    croatian slovak slovenian serbian tamil telugu urdu bengali persian swahili nepali sinhala
    pashto khmer burmese icelandic irish welsh basque catalan""".split()
)
