# Reference values for BayesianLinearRegressionTest.summaryMatchesScipy.
# Run: /usr/bin/python3 blr_scipy_oracle.py  (SciPy 1.10.1, NumPy 1.24.2 when written)
import numpy as np, scipy, scipy.stats as st
X=np.array([[1,0.5],[0.2,-1],[-0.7,0.4],[1.5,1.5],[0,2],[-1,-0.3]])
y=np.array([2.1,-0.4,-1.0,3.7,1.9,-1.6])
alpha,a0,b0=2.0,3.0,1.5
n,d=X.shape
L=alpha*np.eye(d)+X.T@X
mu=np.linalg.solve(L,X.T@y)
Linv=np.linalg.inv(L)
an=a0+n/2
bn=b0+0.5*(y@y-mu@L@mu)
ig=st.invgamma(an,scale=bn)
print("scipy",scipy.__version__,"numpy",np.__version__)
print("bn=%r"%bn)
print("sigma2=%r"%([ig.mean(),ig.var(),ig.ppf(0.025),ig.ppf(0.975)],))
for i in range(d):
    t=st.t(2*an,loc=mu[i],scale=np.sqrt(bn/an*Linv[i,i]))
    print("w%d=%r"%(i,[t.mean(),t.var(),t.ppf(0.025),t.ppf(0.975)]))
S=(b0/a0)*(np.eye(n)+X@X.T/alpha)
print("logev=%r"%st.multivariate_t(loc=np.zeros(n),shape=S,df=2*a0).logpdf(y))
